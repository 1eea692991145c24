// Keyboard shortcuts, listed where a user looks for them ("?").
import { views } from '../stores/app-store';
import { appStore, useAppStore } from '../stores/use-app-store';

export const shortcuts: { keys: string; what: string }[] = [
  ...views.map((v) => ({ keys: v.key, what: `show ${v.title}` })),
  { keys: '?', what: 'show or hide this help' },
  { keys: 'Shift+T', what: 'switch between dark and light theme' },
  { keys: 'Space', what: 'Traces: pause or resume the live log' },
  { keys: '/', what: 'Traces: focus the search box' },
  { keys: 'Esc', what: 'close this help, or clear the selection' },
  { keys: 'Ctrl+Enter', what: 'Playground: send the call; Callees: save and hot-reload' },
];

export function HelpOverlay() {
  const open = useAppStore((s) => s.helpOpen);
  if (!open) return null;
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" data-testid="help-overlay">
      <div className="overlay-box">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={() => appStore().getState().setHelpOpen(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
