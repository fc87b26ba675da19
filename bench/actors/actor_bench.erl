%% Erlang/OTP peer of liveactor_bench_actors: same three benchmarks, same JSON line.
%% Compiled by bench/actors/compare with erlc into the build directory, run with
%%   erl -noshell +S 2 -pa <dir> -run actor_bench main <pingpong|counting|ring> <messages>
-module(actor_bench).
-export([main/1]).

main([Bench, NStr]) ->
    N = list_to_integer(NStr),
    T0 = erlang:monotonic_time(nanosecond),
    run(list_to_atom(Bench), N),
    Secs = (erlang:monotonic_time(nanosecond) - T0) / 1.0e9,
    io:format("{\"system\":\"erlang\",\"bench\":\"~s\",\"placement\":\"default\",\"messages\":~b,"
              "\"seconds\":~.6f,\"msgs_per_sec\":~b}~n", [Bench, N, Secs, round(N / Secs)]),
    erlang:halt(0).

%% PingPong: N messages = N/2 round trips.
run(pingpong, N) ->
    Self = self(),
    Pong = spawn(fun pong/0),
    spawn(fun() -> Pong ! {ping, self(), N div 2}, ping(Pong, Self) end),
    receive done -> ok end;
%% Counting: N increments, then ask for the count.
run(counting, N) ->
    C = spawn(fun() -> counter(0) end),
    send_n(C, N),
    C ! {get, self()},
    receive {count, N} -> ok; {count, Other} -> erlang:error({bad_count, Other}) end;
%% ThreadRing: 500 processes, N hops.
run(ring, N) ->
    Self = self(),
    First = spawn(fun() -> receive {next, Next} -> node(Next, Self) end end),
    Last = lists:foldl(fun(_, Prev) ->
                           P = spawn(fun() -> receive {next, Next} -> node(Next, Self) end end),
                           Prev ! {next, P},
                           P
                       end, First, lists:seq(2, 500)),
    Last ! {next, First},
    First ! {token, N},
    receive done -> ok end.

pong() ->
    receive {ping, From, K} -> From ! {ping, self(), K - 1}, pong() end.

ping(Pong, Main) ->
    receive
        {ping, _, K} when K =< 0 -> Main ! done;
        {ping, _, K} -> Pong ! {ping, self(), K}, ping(Pong, Main)
    end.

counter(Count) ->
    receive
        inc -> counter(Count + 1);
        {get, From} -> From ! {count, Count}, counter(Count)
    end.

send_n(_, 0) -> ok;
send_n(C, K) -> C ! inc, send_n(C, K - 1).

node(Next, Main) ->
    receive
        {token, 0} -> Main ! done, node(Next, Main);
        {token, K} -> Next ! {token, K - 1}, node(Next, Main)
    end.
