/**
 * Prisma loads its query compiler (WebAssembly) from a JavaScript module holding it as a 4.5 MB base64
 * string. Once the client has compiled it, that module (its source and the string) is dead weight kept alive
 * only by Node's module cache and the importing module's `children`: drop both, about 4-9 MB resident for the
 * life of the process. A later client would simply load the file again.
 */
export function forgetQueryCompilerSource(): void {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]@prisma[\\/]client[\\/]runtime[\\/]query_compiler_[^\\/]*\.wasm-base64\.js$/.test(file)) continue;
    delete require.cache[file];
    for (const other of Object.values(require.cache)) {
      const at = other?.children.indexOf(mod) ?? -1;
      if (at >= 0) other!.children.splice(at, 1);
    }
  }
}
