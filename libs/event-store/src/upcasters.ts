/** Turns a stored event's data of `fromVersion` into the shape of `fromVersion + 1`. Pure; one per change. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  register(...upcasters: Upcaster[]): this {
    for (const u of upcasters) {
      const versions = this.byType.get(u.type) ?? new Map<number, Upcaster>();
      if (versions.has(u.fromVersion)) throw new Error(`two upcasters for ${u.type} v${u.fromVersion}`);
      versions.set(u.fromVersion, u);
      this.byType.set(u.type, versions);
    }
    return this;
  }

  /** Applies the chain of upcasters from the stored version onwards; returns the latest shape and its version. */
  upcast(type: string, schemaVersion: number, data: Record<string, unknown>): { schemaVersion: number; data: Record<string, unknown> } {
    const versions = this.byType.get(type);
    if (!versions) return { schemaVersion, data };
    let version = schemaVersion;
    let current = data;
    for (let u = versions.get(version); u; u = versions.get(version)) {
      current = u.upcast(current);
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}
