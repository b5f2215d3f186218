// As Stack Auth's setup wizard writes it: stack.ts (or stack/server.ts).
import { StackServerApp } from "@stackframe/stack";

export const stackServerApp = new StackServerApp({ tokenStore: "nextjs-cookie" });
