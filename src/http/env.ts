import type { Deps } from "../commands/context";
import type { Actor } from "../policies/actor";

/** Turns a platform sign-in code (tt.requestAccess, or the sandbox's sign-in) into the person's openId. */
export interface SignInExchanger {
  exchange(code: string): Promise<{ openId: string }>;
}

/** The one typed environment of the Hono app. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    actor: Actor;
    /** the session's CSRF token, when signed in by cookie */
    csrfToken: string | undefined;
    /** the person's connection is encrypted (see middleware/trusted-proxy): cookies get Secure */
    secure: boolean;
    /** Hono's requestId middleware: the X-Request-Id of this request, in every log record about it */
    requestId: string;
  };
}
