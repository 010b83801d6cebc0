// Static build of Temporal's web UI; the API lives on the same origin (the embedded server), so VITE_API is empty.
import { sveltekit } from '@sveltejs/kit/vite';

export default {
  plugins: [sveltekit()],
  define: {
    'import.meta.env.VITE_API': JSON.stringify(''),
    'import.meta.env.VITE_DARK_MODE': JSON.stringify(''),
    'import.meta.env.VITE_TEMPORAL_UI_BUILD_TARGET': JSON.stringify('local'),
  },
};
