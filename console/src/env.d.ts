/** esbuild bundles the stylesheet the entry imports into its own CSS file. */
declare module '*.css';
