// Ambient types for the renderer: Vue single-file components and the preload's `window.studio`.
/// <reference types="vite/client" />
import type { StudioBridge } from '../../shared/bridge';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Present only inside the Electron window (see src/preload). */
    studio?: StudioBridge;
  }
}
