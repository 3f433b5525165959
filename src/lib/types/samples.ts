/** How a sample was obtained (see the glossary); the samples table allows exactly these. */
export const provenances = ['observed', 'imported', 'reconstructed', 'reference'] as const;
export type Provenance = (typeof provenances)[number];
