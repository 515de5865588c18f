import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

/**
 * A native modal `<dialog>`: the browser traps focus inside, closes it on Escape and returns
 * focus to where it was.
 */
export function Modal({ title, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `dialog-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="modal"
      aria-labelledby={titleId}
      onClose={onClose}
      onKeyDown={(e) => {
        // The layout's own Escape handling must not also close a panel behind the dialog.
        if (e.key === 'Escape') e.stopPropagation();
      }}
    >
      <div class="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      {children}
    </dialog>
  );
}
