'use client';

import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { cn } from './cn';

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The async clipboard API exists only on secure origins (https or localhost); a self-hosted
    // install on plain http still deserves a working button.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export type CopyButtonProps = {
  value: string;
  /** What is copied, for the accessible name: "Copy token". */
  label?: string;
  /** Show "Copy"/"Copied" next to the icon. */
  showText?: boolean;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  /** Called after a successful copy (e.g. to record that instructions were handed over). */
  onCopied?: () => void;
};

export function CopyButton({ value, label, showText = false, variant = 'secondary', size, className, onCopied }: CopyButtonProps) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    const ok = await writeClipboard(value);
    setStatus(ok ? 'copied' : 'failed');
    if (ok) onCopied?.();
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setStatus('idle'), 2000);
  };

  const name = label ? `Copy ${label}` : 'Copy';
  const Icon = status === 'copied' ? Check : Copy;
  return (
    <>
      <Button
        variant={variant}
        size={size ?? (showText ? 'sm' : 'icon-sm')}
        onClick={copy}
        aria-label={showText ? undefined : name}
        title={showText ? undefined : name}
        className={cn(status === 'copied' && '[&_svg]:text-success', className)}
      >
        <Icon aria-hidden="true" />
        {showText ? <span>{status === 'copied' ? 'Copied' : 'Copy'}</span> : null}
      </Button>
      <span className="sr-only" aria-live="polite">
        {status === 'copied' ? 'Copied' : status === 'failed' ? 'Copy failed. Select the text and copy it manually.' : ''}
      </span>
    </>
  );
}
