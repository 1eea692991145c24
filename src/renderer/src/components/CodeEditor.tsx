// A thin React wrapper over a CodeMirror 6 EditorView, shared by the Playground (JSON args and
// payloads) and the Callees view (handler sources). The view is created once per mount; prop changes
// are applied through compartments and transactions, never by re-creating it (that would lose the
// cursor, the undo history and the focus).
//
// The editor lives in a shadow root. CodeMirror's styles come from style-mod, which writes a <style>
// element into a document (refused by the renderer's `style-src 'self'`, one console error per
// change) but uses constructed, adopted style sheets in a shadow root (CSSOM, which the policy allows).
// Colours come from the app's CSS variables, which inherit into the shadow tree, so the editor
// follows the dark/light theme; the `dark` flag only picks CodeMirror's own base colours.
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, type Extension, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { useAppStore } from '../stores/use-app-store';
import './code-editor.css';

export type CodeLanguage = 'json' | 'javascript' | 'typescript';

/** A problem to mark in the editor, at a 1-based line and column. */
export interface CodeProblem {
  message: string;
  line?: number;
  column?: number;
  severity?: 'error' | 'warning';
}

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  language: CodeLanguage;
  /** Ctrl+Enter (Cmd+Enter on macOS). */
  onSubmit?: () => void;
  /** Marked in the text and the gutter; pass an empty array (or nothing) to clear. */
  problems?: readonly CodeProblem[];
  /** The accessible name of the text area. */
  ariaLabel: string;
  placeholder?: string;
  readOnly?: boolean;
  /** CSS height of the editor, e.g. '8rem'. Default: grows with the text. */
  height?: string;
  'data-testid'?: string;
}

// token colours are variables set per theme in code-editor.css (document CSS cannot reach into the shadow tree)
const highlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier, tags.controlKeyword], color: 'var(--tok-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--tok-string)' },
  { tag: [tags.number, tags.integer, tags.float], color: 'var(--tok-number)' },
  { tag: [tags.bool, tags.null, tags.atom], color: 'var(--tok-atom)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.className], color: 'var(--tok-type)' },
  { tag: [tags.propertyName], color: 'var(--tok-property)' },
  { tag: [tags.definition(tags.variableName), tags.function(tags.variableName)], color: 'var(--tok-definition)' },
  { tag: tags.invalid, color: 'var(--err)' },
]);

function languageExtension(language: CodeLanguage): Extension {
  if (language === 'json') return json();
  return javascript({ typescript: language === 'typescript' });
}

function themeExtension(dark: boolean, height?: string): Extension {
  return EditorView.theme(
    {
      '&': { backgroundColor: 'var(--input-bg)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '4px' },
      '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '1px' },
      '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: '12px', ...(height ? { height } : {}), overflow: 'auto' },
      '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
      '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
      '.cm-cursor': { borderLeftColor: 'var(--fg)' },
      '.cm-placeholder': { color: 'var(--muted)' },
      // the lint package draws its squiggles as data: SVG images, which `img-src 'self'` refuses
      '.cm-lintRange': { backgroundImage: 'none', textDecorationLine: 'underline', textDecorationStyle: 'wavy' },
      '.cm-lintRange-error': { backgroundImage: 'none', textDecorationColor: 'var(--err)' },
      '.cm-lintRange-warning': { backgroundImage: 'none', textDecorationColor: 'var(--warn)' },
      '.cm-lintRange-info, .cm-lintRange-hint': { backgroundImage: 'none', textDecorationColor: 'var(--accent)' },
    },
    { dark },
  );
}

/** 1-based line and column to a document offset, clamped into the document. */
function offsetOf(state: EditorState, line?: number, column?: number): number {
  if (!line) return 0;
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  return Math.min(l.from + Math.max(0, (column ?? 1) - 1), l.to);
}

function toDiagnostics(state: EditorState, problems: readonly CodeProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const from = offsetOf(state, p.line, p.column);
    const lineEnd = state.doc.lineAt(from).to;
    // mark at least one character so the problem is visible; a position at a line's end marks back
    const to = from < lineEnd ? from + 1 : from;
    const start = from === to && from > 0 ? from - 1 : from;
    return { from: start, to: Math.max(to, start), severity: p.severity ?? 'error', message: p.message };
  });
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const compartments = useRef({ language: new Compartment(), theme: new Compartment(), readOnly: new Compartment() });
  // callbacks change on every render: the editor reads the latest through refs
  const onChange = useRef(props.onChange);
  const onSubmit = useRef(props.onSubmit);
  onChange.current = props.onChange;
  onSubmit.current = props.onSubmit;
  const theme = useAppStore((s) => s.theme);

  // biome-ignore lint/correctness/useExhaustiveDependencies: created once per mount; the effects below apply prop changes
  useEffect(() => {
    const c = compartments.current;
    const submit = Prec.highest(
      keymap.of([
        {
          key: 'Mod-Enter',
          run: () => {
            onSubmit.current?.();
            return onSubmit.current !== undefined;
          },
        },
      ]),
    );
    const el = host.current!;
    // StrictMode mounts twice: a host keeps the shadow root it was given the first time
    const shadow = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    // keys typed in the editor are the editor's: the app's global shortcuts (1-6, ?, Shift+T) must not
    // see them, and events leaving a shadow tree look as if they came from the host element
    const keepKeys = (e: KeyboardEvent) => e.stopPropagation();
    el.addEventListener('keydown', keepKeys);
    const v = new EditorView({
      parent: shadow,
      root: shadow,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          submit,
          basicSetup,
          syntaxHighlighting(highlightStyle),
          c.language.of(languageExtension(props.language)),
          c.theme.of(themeExtension(theme === 'dark', props.height)),
          c.readOnly.of([EditorState.readOnly.of(!!props.readOnly), EditorView.editable.of(!props.readOnly)]),
          EditorView.contentAttributes.of({ 'aria-label': props.ariaLabel }),
          props.placeholder ? placeholderExt(props.placeholder) : [],
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      el.removeEventListener('keydown', keepKeys);
      v.destroy();
      view.current = null;
    };
  }, []);

  // an outside change (a history entry loaded, another callee selected) replaces the text
  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === props.value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
  }, [props.value]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.language.reconfigure(languageExtension(props.language)) });
  }, [props.language]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.theme.reconfigure(themeExtension(theme === 'dark', props.height)) });
  }, [theme, props.height]);

  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.readOnly.reconfigure([
        EditorState.readOnly.of(!!props.readOnly),
        EditorView.editable.of(!props.readOnly),
      ]),
    });
  }, [props.readOnly]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state, props.problems ?? [])));
  }, [props.problems]);

  return <div ref={host} className="code-editor" data-testid={props['data-testid']} data-language={props.language} />;
}
