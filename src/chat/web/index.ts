export { createWebChat, type WebChat, type WebChatOptions } from './create-web-chat.js';
export { isLoopbackHost } from './web-access.js';
export type { WebCard, WebThreadLine } from './message-board.js';
export { renderWebCard, type WebAction, type WebCardBody } from './render-web-card.js';
export { renderWebReply, type WebReply } from './render-web-reply.js';
export { webLimits } from './web-limits.js';
export { pageScript } from './page/page-script.js';
export { webModule, type WebSettings } from './web-module.js';
