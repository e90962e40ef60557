import { SimulatedProject, SimulatorInputError } from './simulated-project';

interface StoredProject extends Omit<SimulatedProject, 'workerNiks'> {
  workerNiks: ReadonlySet<string>;
}

const keyOf = (p: { npwp: string; contractNumber: string }) => `${p.npwp}|${p.contractNumber}`;

/** In-memory registry of simulated projects, indexed by (npwp, contractNumber) and by project number. */
export class ProjectRegistry {
  private byContract = new Map<string, StoredProject>();
  private byProjectNumber = new Map<string, StoredProject>();

  /** Upserts by (npwp, contractNumber) all or nothing; a project number owned by another contract is refused. */
  upsert(projects: readonly SimulatedProject[]): void {
    const byContract = new Map(this.byContract);
    const byProjectNumber = new Map(this.byProjectNumber);
    projects.forEach((project, index) => {
      const key = keyOf(project);
      const owner = byProjectNumber.get(project.projectNumber);
      if (owner && keyOf(owner) !== key) {
        throw new SimulatorInputError(`projects[${index}].projectNumber already belongs to another npwp and contractNumber`);
      }
      const previous = byContract.get(key);
      if (previous) byProjectNumber.delete(previous.projectNumber);
      const stored: StoredProject = { ...project, workerNiks: new Set(project.workerNiks) };
      byContract.set(key, stored);
      byProjectNumber.set(project.projectNumber, stored);
    });
    this.byContract = byContract;
    this.byProjectNumber = byProjectNumber;
  }

  clear(): void {
    this.byContract.clear();
    this.byProjectNumber.clear();
  }

  /** Every project, as it was upserted (worker NIKs as arrays): what the state file keeps. */
  all(): SimulatedProject[] {
    return [...this.byContract.values()].map((p) => ({ ...p, workerNiks: [...p.workerNiks] }));
  }

  get size(): number {
    return this.byContract.size;
  }

  /** Forgets every project and holds `projects` instead. */
  replace(projects: readonly SimulatedProject[]): void {
    this.clear();
    this.upsert(projects);
  }

  findByContract(npwp: string, contractNumber: string): StoredProject | undefined {
    return this.byContract.get(keyOf({ npwp, contractNumber }));
  }

  findByProjectNumber(projectNumber: string): StoredProject | undefined {
    return this.byProjectNumber.get(projectNumber);
  }
}
