import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startConsole } from './state/boot';
import { applyTheme } from './state/theme';
import './styles/theme.css';
import './styles/app.css';
import './styles/views.css';

applyTheme();
startConsole();

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
