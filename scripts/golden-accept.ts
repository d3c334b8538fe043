/** `npm run golden:accept`: re-records the golden results; review them with `git diff test/golden`. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GOLDEN_FILE, goldenCompareBoards } from "../test/golden/golden.ts";

writeFileSync(GOLDEN_FILE, goldenCompareBoards());
console.log(`wrote ${fileURLToPath(GOLDEN_FILE)}; review with: git diff test/golden`);
