/**
 * The request model is defined with the rest of the chat model in src/chat/chat-message.ts; handlers
 * keep importing it from here.
 */
export type { ActionRequest, CommandRequest } from '../src/chat/chat-message.js';
