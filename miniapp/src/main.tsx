import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, read, setCsrf, type Me } from "./api";
import { SignInPage } from "./pages/SignInPage";
import { DelegationBanner } from "./components/DelegationBanner";
import { DEFAULT_ROUTE, ROUTES, routeFor } from "./routes";
import { css } from "./style";

declare global {
  interface Window {
    tt?: {
      requestAccess?: (o: { appID: string; scopeList: string[]; success: (r: { code: string }) => void; fail: (e: unknown) => void }) => void;
      requestAuthCode?: (o: { appId: string; success: (r: { code: string }) => void; fail: (e: unknown) => void }) => void;
    };
  }
}

function useRoute(): string {
  const [hash, setHash] = useState(location.hash.slice(1) || DEFAULT_ROUTE);
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || DEFAULT_ROUTE);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    read(api.requests.me.$get())
      .then((m) => {
        setCsrf(m.csrfToken);
        setMe(m);
      })
      .catch(() => setMe(null));
  }, []);
  if (me === undefined) return <p class="hint">正在加载…</p>;
  if (me === null) return <SignInPage onSignedIn={setMe} />;
  return <Shell me={me} />;
}

function Shell({ me }: { me: Me }) {
  const hash = useRoute();
  const slash = hash.indexOf("/");
  const key = slash < 0 ? hash : hash.slice(0, slash);
  const arg = slash < 0 ? undefined : decodeURIComponent(hash.slice(slash + 1)) || undefined;
  const route = routeFor(key, me) ?? routeFor(DEFAULT_ROUTE, me)!;
  return (
    <div>
      <header>
        <b>协同</b>
        <span class="who">
          {me.name} · {me.department.name}
        </span>
        <a class={route.key === "new" ? "new on" : "new"} href="#new">
          ＋ 发起
        </a>
      </header>
      <nav>
        {ROUTES.filter((r) => r.tab && (!r.allowed || r.allowed(me))).map((r) => (
          <a href={`#${r.key}`} class={(route.under ?? route.key) === r.key ? "on" : ""}>
            {r.tab}
          </a>
        ))}
      </nav>
      <DelegationBanner me={me} />
      <main>{route.render(arg, me)}</main>
    </div>
  );
}

const style = document.createElement("style");
style.textContent = css;
document.head.append(style);
render(<App />, document.getElementById("app")!);
