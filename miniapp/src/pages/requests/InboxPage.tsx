import { FilteredList } from "../../components/FilteredList";

/** 部门收件: what other departments asked of mine. */
export const InboxPage = () => <FilteredList kind="inbox" />;
