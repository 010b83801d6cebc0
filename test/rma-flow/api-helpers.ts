export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export { eventually as eventuallyApi } from '../eventually';
