/** Awaits a promise that must fail and returns its error (coded BlurlineErrors in these tests). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}
