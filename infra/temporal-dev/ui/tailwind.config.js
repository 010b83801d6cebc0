// The package ships its Tailwind theme plugin; classes are collected from its components and our routes.
import temporal, { textStyles } from './node_modules/@temporalio/ui/dist/theme/plugin.js';

export default {
  content: ['./src/**/*.{html,js,svelte}', './node_modules/@temporalio/ui/dist/**/*.{svelte,js}'],
  darkMode: ['selector', '[data-theme="dark"]'],
  theme: { fontFamily: { sans: ['Inter Variable', 'sans-serif'], mono: ['Noto Sans Mono', 'monospace'] } },
  plugins: [temporal, textStyles],
};
