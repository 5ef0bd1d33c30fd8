import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the Switchboard server at /admin (src/server/static-console.ts); files under assets/ carry a content
// hash and are cached for a year.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
});
