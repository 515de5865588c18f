import { useRef, useState } from 'preact/hooks';

export interface ComposerProps {
  id: string;
  label: string;
  disabled?: boolean;
  onSend: (text: string) => void;
  onTyping?: () => void;
  /** Arrow Up in an empty composer: edit the caller's last message. */
  onEditLast?: () => void;
}

/** The message box: Enter sends, Shift+Enter starts a new line. */
export function Composer(props: ComposerProps) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);

  function send() {
    if (!text.trim()) return;
    props.onSend(text);
    setText('');
    area.current?.focus();
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for={props.id} class="visually-hidden">
        {props.label}
      </label>
      <textarea
        id={props.id}
        ref={area}
        rows={Math.min(8, Math.max(1, text.split('\n').length))}
        placeholder={props.disabled ? 'This channel is archived' : `${props.label}`}
        value={text}
        disabled={props.disabled}
        aria-describedby={`${props.id}-hint`}
        onInput={(e) => {
          setText(e.currentTarget.value);
          if (e.currentTarget.value) props.onTyping?.();
        }}
        onKeyDown={(e) => {
          if (e.isComposing) return;
          if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
            e.preventDefault();
            send();
          } else if (e.key === 'ArrowUp' && !text && props.onEditLast) {
            e.preventDefault();
            props.onEditLast();
          }
        }}
      />
      <span id={`${props.id}-hint`} class="visually-hidden">
        Enter sends, Shift+Enter adds a line.
      </span>
      <button type="submit" class="primary send" disabled={props.disabled || !text.trim()}>
        Send
      </button>
    </form>
  );
}
