export declare const BENCH_PASSWORD: string;
export declare function seedSql(options?: { users?: number; groups?: number; admins?: number }): string;
