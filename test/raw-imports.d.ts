// Vite's `?raw` imports: a file's text, used for HTML fixtures.
declare module "*?raw" {
  const text: string;
  export default text;
}
