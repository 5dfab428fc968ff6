import { api, read } from "../../api";
import { Paged } from "../../components/ItemList";

const minePage = (cursor: string | null) => read(api.views.mine.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));
/** 我发起的. */
export const MinePage = () => <Paged fetchPage={minePage} />;
