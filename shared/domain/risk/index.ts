/** Risk rules, pure: the before-checks of create, and the merchant rating that tightens them. */
export * from './rating.js';
