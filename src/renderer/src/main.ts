// Renderer entry: picks the StudioApi transport for this environment and mounts the app.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createClient } from './client/createClient';
import { CLIENT_KEY } from './client/inject';
import './styles.css';

const client = createClient();
// Pinia holds state several components share (the library list: stores/library.ts).
createApp(App).use(createPinia()).provide(CLIENT_KEY, client).mount('#app');
