import type { ComponentChildren } from "preact";
import type { Me } from "./api";
import { DashboardPage } from "./pages/supervision/DashboardPage";
import { CalendarPage } from "./pages/admin/CalendarPage";
import { OrgPage } from "./pages/admin/OrgPage";
import { PoliciesPage } from "./pages/admin/PoliciesPage";
import { RulesPage } from "./pages/admin/RulesPage";
import { ParkedMessagesPage } from "./pages/admin/ParkedMessagesPage";
import { TokensPage } from "./pages/admin/TokensPage";
import { SearchPage } from "./pages/supervision/SearchPage";
import { SupervisionPage } from "./pages/supervision/SupervisionPage";
import { BoardCellPage, FigureTasksPage } from "./pages/supervision/TasksBehindPage";
import { InboxPage } from "./pages/requests/InboxPage";
import { MinePage } from "./pages/requests/MinePage";
import { OutboxPage } from "./pages/requests/OutboxPage";
import { RaiseFormPage } from "./pages/requests/RaiseFormPage";
import { RaisePage } from "./pages/requests/RaisePage";
import { RequestPage } from "./pages/requests/RequestPage";
import { PendingWorkPage } from "./pages/work/PendingWorkPage";
import { DelegationsPage } from "./pages/org/DelegationsPage";
import { DepartmentSettingsPage } from "./pages/org/DepartmentSettingsPage";
import { HandoverPage } from "./pages/org/HandoverPage";

// The one route table: every screen of the mini-app, its hash path (#key or #key/arg), the tab it shows as
// (if any), its area, and who may open it. The shell renders the nav and picks the page from here only.

export type Area = "work" | "requests" | "supervision" | "admin";

export interface Route {
  /** The first segment of the hash: `#inbox`, `#r/2026-000001`. */
  key: string;
  /** The nav label; routes without one are reached by links (a request's page, 发起). */
  tab?: string;
  area: Area;
  /** For a page reached by links: the tab it belongs under (shown as the current one). */
  under?: string;
  /** Who sees the tab and may open the page; everyone signed in when absent. */
  allowed?: (me: Me) => boolean;
  render: (arg: string | undefined, me: Me) => ComponentChildren;
}

export const hasRole = (me: Me, ...roles: string[]) => me.roles.some((r) => roles.includes(r.role));
/** A global role (admin, supervisor), not one held in a department. */
export const hasGlobalRole = (me: Me, ...roles: string[]) => me.roles.some((r) => r.department === null && roles.includes(r.role));

export const ROUTES: readonly Route[] = [
  { key: "todo", tab: "待办", area: "work", render: () => <PendingWorkPage /> },
  { key: "mine", tab: "我发起的", area: "requests", render: () => <MinePage /> },
  { key: "inbox", tab: "部门收件", area: "requests", render: () => <InboxPage /> },
  { key: "outbox", tab: "部门发件", area: "requests", render: () => <OutboxPage /> },
  { key: "board", tab: "晾晒", area: "supervision", render: (_arg, me) => <DashboardPage me={me} /> },
  { key: "figure", area: "supervision", under: "board", render: (arg) => <FigureTasksPage query={arg ?? ""} /> },
  { key: "cell", area: "supervision", under: "board", render: (arg) => <BoardCellPage pair={arg ?? ""} /> },
  { key: "supervision", tab: "督办", area: "supervision", allowed: (me) => hasRole(me, "supervisor"), render: () => <SupervisionPage /> },
  { key: "rules", tab: "路由规则", area: "admin", allowed: (me) => hasGlobalRole(me, "admin"), render: () => <RulesPage /> },
  { key: "calendar", tab: "节假日", area: "admin", allowed: (me) => hasGlobalRole(me, "admin"), render: () => <CalendarPage /> },
  { key: "policies", tab: "督办策略", area: "admin", allowed: (me) => hasGlobalRole(me, "admin"), render: () => <PoliciesPage /> },
  { key: "search", tab: "检索", area: "supervision", allowed: (me) => hasGlobalRole(me, "supervisor", "admin"), render: () => <SearchPage /> },
  { key: "org", tab: "组织机构", area: "admin", allowed: (me) => hasGlobalRole(me, "admin"), render: () => <OrgPage /> },
  { key: "tokens", tab: "访问令牌", area: "admin", allowed: (me) => hasGlobalRole(me, "admin"), render: () => <TokensPage /> },
  { key: "parked", tab: "搁置消息", area: "admin", allowed: (me) => hasGlobalRole(me, "admin"), render: () => <ParkedMessagesPage /> },
  { key: "delegations", tab: "我的代理", area: "work", allowed: (me) => hasRole(me, "head", "handler") || hasGlobalRole(me, "admin"), render: (_arg, me) => <DelegationsPage me={me} /> },
  { key: "dept-settings", tab: "部门设置", area: "admin", allowed: (me) => hasRole(me, "head"), render: (_arg, me) => <DepartmentSettingsPage me={me} /> },
  { key: "handover", area: "admin", under: "dept-settings", allowed: (me) => hasRole(me, "head") || hasGlobalRole(me, "admin"), render: (arg, me) => <HandoverPage me={me} openId={arg} /> },
  { key: "new", area: "requests", render: () => <RaisePage /> },
  { key: "raise-form", area: "requests", render: () => <RaiseFormPage /> },
  { key: "r", area: "requests", render: (arg) => (arg ? <RequestPage number={arg} /> : <MinePage />) },
];

export const DEFAULT_ROUTE = "todo";

/** The page for a hash, or null when it is unknown or not for this person. */
export function routeFor(key: string, me: Me): Route | null {
  const route = ROUTES.find((r) => r.key === key);
  return route && (!route.allowed || route.allowed(me)) ? route : null;
}
