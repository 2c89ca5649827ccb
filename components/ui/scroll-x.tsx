'use client';

import { useEffect, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { cn } from './cn';

const FADE = '2rem';

/**
 * A box that scrolls sideways when its content is wider than the screen (a
 * wide table on a phone, a long command) and shows that it does: the edge
 * with more content beyond it fades out, so a person sees there is more to
 * swipe to. The one horizontal scroller of the app; the page itself never
 * scrolls sideways (e2e/tour.spec.ts checks both).
 */
export function ScrollX({
  as: Tag = 'div',
  className,
  children,
  ...props
}: { as?: 'div' | 'nav' | 'pre'; className?: string; children: ReactNode } & HTMLAttributes<HTMLElement>) {
  const ref = useRef<HTMLElement>(null);
  const [more, setMore] = useState({ left: false, right: false });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const left = el.scrollLeft > 1;
      const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setMore((now) => (now.left === left && now.right === right ? now : { left, right }));
    };
    update();
    el.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => {
      el.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, []);

  const mask = more.left || more.right ? `linear-gradient(to right, ${more.left ? 'transparent' : '#000'}, #000 ${FADE}, #000 calc(100% - ${FADE}), ${more.right ? 'transparent' : '#000'})` : undefined;
  const scrolls = more.left || more.right;
  return (
    <Tag
      // A scroller that scrolls is reachable by keyboard (arrow keys scroll it once focused).
      tabIndex={scrolls && Tag !== 'nav' ? 0 : undefined}
      {...props}
      ref={(node: HTMLElement | null) => {
        ref.current = node;
      }}
      data-scroll-hint=""
      className={cn('relative overflow-x-auto', className)}
      style={{ ...props.style, maskImage: mask, WebkitMaskImage: mask }}
    >
      {children}
    </Tag>
  );
}
