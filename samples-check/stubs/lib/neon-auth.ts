// The sample's contract for Neon Auth: the signed-in user's JWT, or null when signed out.
export declare function getSessionToken(): Promise<string | null>;
