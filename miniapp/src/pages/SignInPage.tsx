import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, setCsrf, type Me } from "../api";

/** JSON from the page's own non-API routes (/app/config, the sandbox's demo users). */
async function plain<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`请求失败（${r.status}）`);
  return (await r.json()) as T;
}

/** Inside Lark: tt.requestAccess (or the legacy requestAuthCode). Offline: the sandbox's demo users, same code exchange. */
export function SignInPage({ onSignedIn }: { onSignedIn: (m: Me) => void }) {
  const [error, setError] = useState("");
  const [config, setConfig] = useState<{ appId: string; sandbox: boolean } | null>(null);
  const [users, setUsers] = useState<Array<{ openId: string; name: string; departmentIds?: string[] }>>([]);

  const exchange = async (code: string) => {
    try {
      const r = await read(api.auth.code.$post({ json: { code } }));
      setCsrf(r.csrfToken);
      history.replaceState(null, "", location.pathname + location.hash);
      onSignedIn({ ...r.me, csrfToken: r.csrfToken });
    } catch (e) {
      setError(messageOf(e, "登录失败，请重试。"));
    }
  };

  useEffect(() => {
    const code = new URLSearchParams(location.search).get("code");
    if (code) {
      void exchange(code);
      return;
    }
    void plain<{ appId: string; sandbox: boolean }>("/app/config").then((c) => {
      setConfig(c);
      const tt = window.tt;
      if (tt?.requestAccess) tt.requestAccess({ appID: c.appId, scopeList: [], success: ({ code }) => void exchange(code), fail: () => setError("飞书授权失败，请重新打开小程序。") });
      else if (tt?.requestAuthCode) tt.requestAuthCode({ appId: c.appId, success: ({ code }) => void exchange(code), fail: () => setError("飞书授权失败，请重新打开小程序。") });
      else if (c.sandbox) void plain<typeof users>("/sandbox/api/users").then(setUsers);
    });
  }, []);

  const asUser = async (openId: string) => {
    const { code } = await plain<{ code: string }>("/sandbox/api/login-code", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ openId }),
    });
    await exchange(code);
  };

  return (
    <div class="signin">
      <h1>协同</h1>
      {error && <p class="error">{error}</p>}
      {config && !window.tt && !config.sandbox && <p>请在飞书客户端中打开「协同」小程序。当前页面不在飞书中，无法登录。</p>}
      {config?.sandbox && !window.tt && (
        <div>
          <p>当前不在飞书客户端中。沙箱模式：选择一位演示用户登录（与飞书中的授权码登录走同一流程）。</p>
          <ul class="list">
            {users.map((u) => (
              <li>
                <button onClick={() => void asUser(u.openId)}>以「{u.name}」登录</button>
                <small> {u.departmentIds?.join("、")}</small>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
