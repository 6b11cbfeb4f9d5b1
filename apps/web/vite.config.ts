import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs separately (default port 3100); in production the server serves dist/.
const apiTarget = 'http://localhost:3100';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/socket.io': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
});
