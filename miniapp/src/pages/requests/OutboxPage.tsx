import { FilteredList } from "../../components/FilteredList";

/** 部门发件: what my department asked of others. */
export const OutboxPage = () => <FilteredList kind="outbox" />;
