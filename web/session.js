// Who is signed in (filled by app.js at sign-in; read by the pages).
export const session = { user: null, organization: null };
