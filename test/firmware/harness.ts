/** The firmware-only test board, moved to src/testing/firmware-board.ts (the package exports it as "flowsim/testing"). */
export * from "../../src/testing/firmware-board.ts";
