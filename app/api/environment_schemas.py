"""The answers' parts that TD mode (the random walk) and control mode (Mountain Car) add, as the
OpenAPI schema describes them (app/api/schemas.py has the rest)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

FloatMatrix = list[list[float]]


class EpisodeOut(BaseModel):
    t: int = Field(description="the step of the episode: S_t")
    length: int = Field(description="T, the episode's number of moves")
    final_reward: float = Field(description="R_T")


class CarOut(BaseModel):
    p: float = Field(description="the position")
    v: float = Field(description="the velocity")
    action: int = Field(description="the action chosen for the next step")
    t: int = Field(description="the steps of the episode so far")


class WalkOut(BaseModel):
    name: Literal["random_walk"]
    states: int
    jump: int
    gamma: float
    target: str
    features: str
    groups: int


class MountainCarOut(BaseModel):
    name: Literal["mountain_car"]
    features: str
    agent: str
    epsilon: float
    gamma: float
    tilings: int
    tiles: int
    iht_size: int
    replay: int
    buffer: int


EnvironmentOut = WalkOut | MountainCarOut


class TransitionOut(BaseModel):
    state: int = Field(description="S")
    reward: float = Field(description="R")
    next_state: int = Field(description="S'; -1 and states are the left and right ends")
    terminal: bool


class CarTransitionOut(BaseModel):
    state: list[float] = Field(description="S: (p, v)")
    action: int = Field(description="A: 0, 1, 2 = throttle -1, 0, +1")
    reward: float = Field(description="R")
    next_state: list[float] = Field(description="S': (p, v)")
    next_action: int = Field(description="A', chosen from q_hat(S', .) before the update")
    terminal: bool


class WalkValuesOut(BaseModel):
    step: int = Field(description="the steps taken, for which these are the values")
    v_hat: list[float] = Field(description="the network's value of every state")
    v_true: list[float] = Field(description="the true value of every state")
    rmsve: float = Field(description="sqrt of the mean over the states of (v_hat - v_true)^2")


class CarValuesOut(BaseModel):
    step: int = Field(description="the steps taken, for which these are the values")
    position: list[float] = Field(description="the grid's positions, lowest first")
    velocity: list[float] = Field(description="the grid's velocities, lowest first")
    q_hat: FloatMatrix = Field(description="q_hat(s, .) at each point: row i x len(velocity) + j")


ValuesOut = WalkValuesOut | CarValuesOut
