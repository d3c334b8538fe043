// flowsim's ns-3 peer for the kernel benchmark (npm run bench -- kernel-vs-ns3): the hold model
// (Vaucher & Duval 1975) on ns-3's event scheduler, the same experiment bench/hold-model.ts runs on
// flowsim's kernel. P events are pending at all times: each, when it runs, schedules one successor
// after an exponentially distributed delay of mean 1 us, until TOTAL events have run. Only the run
// loop is timed (the P initial schedules are not).
//
// Build (bench/kernel-vs-ns3.ts does this itself; Debian: apt-get install libns3-dev):
//   g++ -O2 -std=c++17 bench/ns3/hold.cc -o hold -lns3-core
// Run:   hold PENDING TOTAL [map|heap|list|calendar|priorityqueue]
// Prints one JSON line: {"engine", "pending", "events", "seconds", "eventsPerSecond"}.
#include "ns3/core-module.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct HoldState {
  uint64_t toSchedule = 0;  // successors still to schedule
  uint64_t ran = 0;         // events run
  ns3::Ptr<ns3::ExponentialRandomVariable> delayPs;
};

HoldState g_hold;

// One static handler for every event, as flowsim's hold model uses one handler for all.
void Step() {
  ++g_hold.ran;
  if (g_hold.toSchedule == 0) return;
  --g_hold.toSchedule;
  ns3::Simulator::Schedule(ns3::PicoSeconds(static_cast<uint64_t>(g_hold.delayPs->GetValue())), &Step);
}

std::string SchedulerType(const std::string& name) {
  if (name == "heap") return "ns3::HeapScheduler";
  if (name == "list") return "ns3::ListScheduler";
  if (name == "calendar") return "ns3::CalendarScheduler";
  if (name == "priorityqueue") return "ns3::PriorityQueueScheduler";
  return "ns3::MapScheduler";  // ns-3's default
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t pending = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  const uint64_t total = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000000;
  const std::string scheduler = argc > 3 ? argv[3] : "map";
  if (pending == 0 || total < pending) {
    std::fprintf(stderr, "hold: need 0 < PENDING <= TOTAL (got %llu, %llu)\n", (unsigned long long)pending, (unsigned long long)total);
    return 2;
  }

  ns3::ObjectFactory factory;
  factory.SetTypeId(SchedulerType(scheduler));
  ns3::Simulator::SetScheduler(factory);
  ns3::RngSeedManager::SetSeed(1);
  g_hold.delayPs = ns3::CreateObject<ns3::ExponentialRandomVariable>();
  g_hold.delayPs->SetAttribute("Mean", ns3::DoubleValue(1e6));  // 1 us in ps
  g_hold.toSchedule = total - pending;
  for (uint64_t i = 0; i < pending; ++i) {
    ns3::Simulator::Schedule(ns3::PicoSeconds(static_cast<uint64_t>(g_hold.delayPs->GetValue())), &Step);
  }

  const auto start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ns3::Simulator::Destroy();

  std::printf("{\"engine\":\"ns-3 %s\",\"pending\":%llu,\"events\":%llu,\"seconds\":%.3f,\"eventsPerSecond\":%.0f}\n",
              scheduler.c_str(), (unsigned long long)pending, (unsigned long long)g_hold.ran, seconds,
              g_hold.ran / seconds);
  return 0;
}
