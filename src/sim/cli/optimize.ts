export async function run(_a: string[]): Promise<number> { return 1; }
export async function runAddSite(_a: string[]): Promise<number> { return 1; }
