export const SINERGI = 'sinergi';
