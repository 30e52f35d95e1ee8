import { describe, expect, it } from 'vitest'
import { callDeadline } from './call-deadline.js'

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('callDeadline', () => {
  it.each([
    { case: 'no parent, deadline passes', parent: 'none', wait: 40, aborted: true, timedOut: true },
    { case: 'no parent, released before the deadline', parent: 'none', wait: 0, aborted: false, timedOut: false },
    { case: 'parent aborted before the call', parent: 'aborted', wait: 0, aborted: true, timedOut: false },
    { case: 'parent aborts during the call', parent: 'aborts', wait: 0, aborted: true, timedOut: false },
    { case: 'parent stays, deadline passes', parent: 'live', wait: 40, aborted: true, timedOut: true },
  ] as const)('$case', async ({ parent, wait, aborted, timedOut }) => {
    const owner = new AbortController()
    if (parent === 'aborted') owner.abort(new Error('client gone'))
    const deadline = callDeadline(10, parent === 'none' ? undefined : owner.signal)
    if (parent === 'aborts') owner.abort(new Error('client gone'))
    if (wait) await tick(wait)
    expect(deadline.signal.aborted).toBe(aborted)
    expect(deadline.timedOut).toBe(timedOut)
    if (timedOut) expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError')
    else if (aborted) expect((deadline.signal.reason as Error).message).toBe('client gone')
    deadline.release()
  })

  it('after release, neither the timer nor the caller aborts it, and the caller keeps no listener', async () => {
    const owner = new AbortController()
    const added: unknown[] = []
    const removed: unknown[] = []
    const signal = owner.signal
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
      added.push(listener)
      add(type, listener, options)
    }) as typeof signal.addEventListener
    signal.removeEventListener = ((type: string, listener: EventListener) => {
      removed.push(listener)
      remove(type, listener)
    }) as typeof signal.removeEventListener
    const deadline = callDeadline(10, signal)
    deadline.release()
    deadline.release()
    owner.abort(new Error('late'))
    await tick(30)
    expect(deadline.signal.aborted).toBe(false)
    expect(deadline.timedOut).toBe(false)
    expect(added).toHaveLength(1)
    expect(removed).toContain(added[0])
  })
})
