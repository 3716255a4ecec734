// Which URLs belong to the studio's own renderer. Used to refuse IPC from anything else and to
// deny navigation away from the app (links open in the system browser instead).

export function makeTrustedUrlCheck(appUrl: string): (url: string) => boolean {
  const base = new URL(appUrl);
  return (url: string) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (base.protocol === 'file:') return u.protocol === 'file:' && u.pathname === base.pathname;
    return u.origin === base.origin;
  };
}

/** External links the app may hand to the OS browser; everything else is just denied. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
