import { createContext, useContext } from 'react';
import type { Controller } from './controller';

export const ControllerContext = createContext<Controller | null>(null);

export function useControllerContext(): Controller {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('the controller is not provided');
  return controller;
}
