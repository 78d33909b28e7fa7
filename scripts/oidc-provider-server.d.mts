export declare const TEST_ACCOUNTS: Record<string, Record<string, unknown>>;
export declare function startOidcProvider(options: {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}): Promise<{ issuer: string; close: () => Promise<unknown> }>;
