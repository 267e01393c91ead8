// Placeholder until the delivery worker lands: keeps the composition root compiling.
export class DeliveryWorker {
  start(): void {}
  wake(): void {}
  async stop(): Promise<void> {}
}
