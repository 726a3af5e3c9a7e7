// Shim of "k6/options": the module only carries types in k6 scripts, so it exports nothing.
export {};
