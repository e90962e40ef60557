export { startBpjsSimulator } from './bpjs-simulator';
export type { BpjsSimulator, BpjsSimulatorOptions, SimulatorCall } from './bpjs-simulator';
export { exampleSimulatedProject, SimulatorInputError } from './simulated-project';
export type { SimulatedProject } from './simulated-project';
export type { SimulatorFaults } from './simulator-faults';
export { readProjectStateFile, SimulatorStateError, writeProjectStateFile } from './project-state-file';
