import fc from "fast-check";

// Property tests run the same cases on every machine and every CI run, so a red CI is reproducible
// from its log alone. Set UBN_FC_SEED to another integer to explore new cases locally, or to
// "random" to let fast-check draw one (it prints the seed of any failure).
const chosen = process.env.UBN_FC_SEED ?? "20261123";
if (chosen !== "random") {
  const seed = Number(chosen);
  if (!Number.isSafeInteger(seed)) throw new Error(`UBN_FC_SEED must be an integer or "random", got ${chosen}`);
  fc.configureGlobal({ seed });
}
