// Better Auth with its JWT plugin, which serves /api/auth/jwks and adds auth.api.getToken.
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";

export const auth = betterAuth({ plugins: [jwt()] });
