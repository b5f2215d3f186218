// The sample's contract for a custom provider: the signed-in user's JWT, or null when signed out.
export declare function getUserToken(): Promise<string | null>;
