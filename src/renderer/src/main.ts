// Renderer entry: picks the StudioApi transport for this environment and mounts the app.
import { createApp } from 'vue';
import App from './App.vue';
import { createClient } from './client/createClient';
import { CLIENT_KEY } from './client/inject';
import './styles.css';

const client = createClient();
createApp(App).provide(CLIENT_KEY, client).mount('#app');
