/** What the `quote` queue's worker runs: the quote and the customer workflows (as the launcher combines them). */
export * from '../../workflows/quote';
export * from '../../workflows/customer';
