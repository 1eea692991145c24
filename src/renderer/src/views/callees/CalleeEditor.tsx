// Writing a user callee: URI, language and source; Save (Ctrl+Enter) compiles it and hot-swaps it in.
// Compile problems are listed with their line and column and marked in the text; a failed save leaves
// the previous version serving.
import { CodeEditor, type CodeProblem } from '../../components/CodeEditor';
import { type HandlerLanguage, PRIVILEGE_NOTE, type SaveStatus, TS_NOTE } from './callees-store';
import { calleesStore, useCalleesStore } from './use-callees-store';

const NO_PROBLEMS: CodeProblem[] = [];

function SaveStatusLine({ save }: { save: SaveStatus }) {
  switch (save.state) {
    case 'idle':
      return null;
    case 'saving':
      return (
        <p className="cl-status" data-testid="save-status" data-state="saving">
          Compiling and loading…
        </p>
      );
    case 'saved':
      return (
        <p className="cl-status cl-ok" data-testid="save-status" data-state="saved" role="status">
          Saved {save.uri}
          {save.version !== undefined ? `, version ${save.version}` : ''}: serving now.
        </p>
      );
    case 'failed':
      return (
        <p className="cl-status cl-bad" data-testid="save-status" data-state="failed" role="alert">
          Not saved: {save.message}
        </p>
      );
    case 'problems':
      return (
        <div className="cl-status cl-bad" data-testid="save-status" data-state="problems" role="alert">
          <p>
            Not saved: {save.problems.length === 1 ? 'a problem' : `${save.problems.length} problems`} in the source.{' '}
            {save.servingVersion !== undefined
              ? `Version ${save.servingVersion} keeps serving ${save.uri}.`
              : `Nothing serves ${save.uri} yet.`}
          </p>
          <ul className="cl-problems">
            {save.problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity; the list is replaced as a whole
              <li key={i} data-testid="save-problem" className="mono">
                {p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : ''}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      );
  }
}

export function CalleeEditor() {
  const draft = useCalleesStore((s) => s.draft);
  const save = useCalleesStore((s) => s.save);
  const problems = save.state === 'problems' && save.uri === draft.uri.trim() ? save.problems : NO_PROBLEMS;
  const saving = save.state === 'saving';
  const submit = () => {
    if (!saving) void calleesStore().getState().saveDraft();
  };

  return (
    <section className="cl-editor" aria-label="Callee editor">
      <div className="cl-editor-head">
        <h3>{draft.editing ? `Edit ${draft.editing}` : 'New callee'}</h3>
        <button type="button" onClick={() => calleesStore().getState().newDraft()} data-testid="callee-new">
          New
        </button>
      </div>
      <p className="cl-muted cl-privileges" role="note" data-testid="callee-privileges">
        {PRIVILEGE_NOTE}
      </p>
      <form
        className="cl-editor-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="cl-grow">
          URI
          <input
            value={draft.uri}
            onChange={(e) => calleesStore().getState().setDraft({ uri: e.target.value })}
            spellCheck={false}
            data-testid="callee-uri"
          />
        </label>
        <label>
          Language
          <select
            value={draft.language}
            onChange={(e) =>
              calleesStore()
                .getState()
                .setDraft({ language: e.target.value as HandlerLanguage })
            }
            data-testid="callee-language"
          >
            <option value="ts">TypeScript</option>
            <option value="js">JavaScript</option>
          </select>
        </label>
        <button type="submit" disabled={saving} data-testid="callee-save" title="Compile and hot-reload (Ctrl+Enter)">
          Save
        </button>
      </form>
      <CodeEditor
        value={draft.source}
        onChange={(source) => calleesStore().getState().setDraft({ source })}
        language={draft.language === 'ts' ? 'typescript' : 'javascript'}
        onSubmit={submit}
        problems={problems}
        ariaLabel={`Source of ${draft.uri || 'the new callee'}`}
        height="18rem"
        data-testid="callee-source"
      />
      {draft.language === 'ts' && (
        <p className="cl-muted" data-testid="callee-ts-note">
          {TS_NOTE}
        </p>
      )}
      <SaveStatusLine save={save} />
    </section>
  );
}
