export { collectCoordinates, splitCoordinate, type CollectedCoordinate, type CollectResult } from './coordinates.js'
